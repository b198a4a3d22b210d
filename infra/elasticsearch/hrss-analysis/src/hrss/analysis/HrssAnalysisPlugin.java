package hrss.analysis;

import com.ibm.icu.text.Normalizer2;
import java.util.Map;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cn.smart.HMMChineseTokenizer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.icu.ICUFoldingFilter;
import org.apache.lucene.analysis.icu.ICUNormalizer2CharFilter;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * Chinese analysis for the platform's indexes: Lucene's smartcn word segmentation, ICU normalisation and
 * traditional-to-simplified conversion, CJK bigrams and query-time synonyms. Every name starts with hrss_ so
 * that the plugin sits beside Elasticsearch's own analysis-common module (in the official images) without a clash.
 */
public final class HrssAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        return Map.of(
            // NFKC with case folding: full-width letters and digits, compatibility ideographs, case
            "hrss_icu_normalizer", (indexSettings, env, name, settings) -> new CharFilterFactory() {
                private final Normalizer2 normalizer = Normalizer2.getNFKCCasefoldInstance();

                @Override
                public String name() {
                    return name;
                }

                @Override
                public java.io.Reader create(java.io.Reader reader) {
                    return new ICUNormalizer2CharFilter(reader, normalizer);
                }

                @Override
                public java.io.Reader normalize(java.io.Reader reader) {
                    return create(reader);
                }
            },
            "hrss_t2s", (indexSettings, env, name, settings) -> new CharFilterFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public java.io.Reader create(java.io.Reader reader) {
                    return new TraditionalToSimplifiedCharFilter(reader);
                }

                @Override
                public java.io.Reader normalize(java.io.Reader reader) {
                    return create(reader);
                }
            }
        );
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of(
            "hrss_smartcn", (indexSettings, env, name, settings) -> TokenizerFactory.newFactory(name, HMMChineseTokenizer::new)
        );
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            // smartcn's stop set is punctuation only: drop the punctuation tokens the segmenter emits
            "hrss_smartcn_stop", (indexSettings, env, name, settings) -> new SimpleFilter(
                name, in -> new StopFilter(in, SmartChineseAnalyzer.getDefaultStopSet())),
            "hrss_icu_folding", (indexSettings, env, name, settings) -> new SimpleFilter(name, ICUFoldingFilter::new),
            "hrss_cjk_bigram", (indexSettings, env, name, settings) -> {
                boolean unigrams = settings.getAsBoolean("output_unigrams", false);
                return new SimpleFilter(name, in -> new CJKBigramFilter(in, CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA
                    | CJKBigramFilter.KATAKANA | CJKBigramFilter.HANGUL, unigrams));
            },
            "hrss_synonym_graph", (indexSettings, env, name, settings) -> new SynonymGraphFilterFactory(name, settings)
        );
    }

    /** A token filter without settings beyond its name. */
    static final class SimpleFilter implements TokenFilterFactory {
        private final String name;
        private final java.util.function.UnaryOperator<org.apache.lucene.analysis.TokenStream> wrap;

        SimpleFilter(String name, java.util.function.UnaryOperator<org.apache.lucene.analysis.TokenStream> wrap) {
            this.name = name;
            this.wrap = wrap;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public org.apache.lucene.analysis.TokenStream create(org.apache.lucene.analysis.TokenStream in) {
            return wrap.apply(in);
        }
    }
}
