package hrss.analysis;

import com.ibm.icu.text.Transliterator;
import java.io.IOException;
import java.io.Reader;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.charfilter.BaseCharFilter;

/**
 * Traditional to simplified Chinese (ICU's Traditional-Simplified transform) before segmentation, so that the
 * simplified-Chinese dictionary of the tokenizer sees 拖欠工資 as 拖欠工资. The transform maps code points one to
 * one almost everywhere; where a rule changes the length, the offset is corrected at the end of the changed run.
 */
final class TraditionalToSimplifiedCharFilter extends BaseCharFilter {
    private static final Transliterator TRANSFORM = Transliterator.getInstance("Traditional-Simplified");
    // one conversion per ideograph ever seen (some tens of thousands at most): the transform is slow per call
    private static final ConcurrentHashMap<Integer, String> CONVERTED = new ConcurrentHashMap<>();

    private String output;
    private int position;

    TraditionalToSimplifiedCharFilter(Reader in) {
        super(in);
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (output == null) {
            output = transform(readAll());
        }
        if (position >= output.length()) {
            return -1;
        }
        int count = Math.min(length, output.length() - position);
        output.getChars(position, position + count, buffer, offset);
        position += count;
        return count;
    }

    private String readAll() throws IOException {
        StringBuilder text = new StringBuilder();
        char[] chunk = new char[4096];
        for (int n = input.read(chunk); n != -1; n = input.read(chunk)) {
            text.append(chunk, 0, n);
        }
        return text.toString();
    }

    private static String convert(String ideograph) {
        synchronized (TRANSFORM) {
            return TRANSFORM.transliterate(ideograph);
        }
    }

    // Transforms character by character where possible, so offsets stay exact for highlighting.
    private String transform(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int cumulative = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            String original = text.substring(i, i + width);
            String converted = Character.isIdeographic(cp) ? CONVERTED.computeIfAbsent(cp, c -> convert(original)) : original;
            out.append(converted);
            int diff = width - converted.length();
            if (diff != 0) {
                cumulative += diff;
                addOffCorrectMap(out.length(), cumulative);
            }
            i += width;
        }
        return out.toString();
    }
}
