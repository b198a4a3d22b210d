# shellcheck shell=bash
# OCR for the archive search (docs/search.md, "Archive search"): tesseract with its simplified-Chinese model,
# poppler's pdftoppm (a PDF page without a text layer is rendered to an image first) and the Noto CJK fonts the
# tests draw scanned Chinese pages with. Debian packages, installed once by `stack up` like PostgreSQL.

OCR_PACKAGES=(tesseract-ocr tesseract-ocr-chi-sim poppler-utils fonts-noto-cjk)

ocr_missing() {
  local p missing=()
  for p in "${OCR_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  printf '%s\n' "${missing[@]}"
}

ocr_install() {
  local missing
  mapfile -t missing < <(ocr_missing | sed '/^$/d')
  ((${#missing[@]})) || return 0
  say "ocr: installing ${missing[*]} from Debian packages (first run only)…"
  need_root "installing the OCR packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$HRSS_STATE/apt-ocr.log" 2>&1 ||
    { tail -n 20 "$HRSS_STATE/apt-ocr.log" >&2; die "ocr: apt-get update failed (log: $HRSS_STATE/apt-ocr.log)"; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$HRSS_STATE/apt-ocr.log" 2>&1 ||
    { tail -n 20 "$HRSS_STATE/apt-ocr.log" >&2; die "ocr: apt-get install ${missing[*]} failed (log: $HRSS_STATE/apt-ocr.log)"; }
  tesseract --list-langs 2>/dev/null | grep -qx chi_sim || die "ocr: tesseract has no chi_sim model after install"
}
