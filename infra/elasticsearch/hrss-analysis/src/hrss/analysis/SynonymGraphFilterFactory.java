package hrss.analysis;

import java.io.IOException;
import java.io.StringReader;
import java.text.ParseException;
import java.util.List;
import java.util.function.Function;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.analysis.AnalysisMode;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;

/**
 * Query-time synonyms in Solr format ("社保, 社会保险"), given inline as the setting "synonyms". The rules are
 * analysed by the same tokenizer and filters that come before this filter in the analyzer, so a multi-word
 * synonym such as 拖欠工资 matches however the segmenter splits it. Search analyzers only.
 */
final class SynonymGraphFilterFactory implements TokenFilterFactory {
    private final String name;
    private final List<String> rules;
    private final boolean expand;

    SynonymGraphFilterFactory(String name, Settings settings) {
        this.name = name;
        this.rules = settings.getAsList("synonyms", List.of());
        this.expand = settings.getAsBoolean("expand", true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TokenStream create(TokenStream in) {
        throw new IllegalStateException(name + ": used outside an analyzer chain");
    }

    @Override
    public AnalysisMode getAnalysisMode() {
        return AnalysisMode.SEARCH_TIME;
    }

    @Override
    public TokenFilterFactory getChainAwareTokenFilterFactory(
        IndexCreationContext context,
        TokenizerFactory tokenizer,
        List<CharFilterFactory> charFilters,
        List<TokenFilterFactory> previousFilters,
        Function<String, TokenFilterFactory> allFilters
    ) {
        Analyzer ruleAnalyzer = new CustomAnalyzer(
            tokenizer,
            charFilters.toArray(new CharFilterFactory[0]),
            previousFilters.stream().map(TokenFilterFactory::getSynonymFilter).toArray(TokenFilterFactory[]::new)
        );
        SynonymMap map = parse(ruleAnalyzer);
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream in) {
                return map.fst == null ? in : new SynonymGraphFilter(in, map, false);
            }

            @Override
            public TokenFilterFactory getSynonymFilter() {
                return IDENTITY_FILTER;   // synonyms are not applied to the rules of a later synonym filter
            }

            @Override
            public AnalysisMode getAnalysisMode() {
                return AnalysisMode.SEARCH_TIME;
            }
        };
    }

    private SynonymMap parse(Analyzer ruleAnalyzer) {
        SolrSynonymParser parser = new SolrSynonymParser(true, expand, ruleAnalyzer);
        try {
            parser.parse(new StringReader(String.join("\n", rules)));
            return parser.build();
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException(name + ": cannot parse the synonym rules: " + e.getMessage(), e);
        }
    }
}
