/* Material's search worker, behind a loader: the page starts it once search opens
   (lazy-search.js), and the first message (the index) loads the real worker, then is
   replayed. It sits beside Material's worker, which loads a language's stemmer from ../lunr/.

   Where the index is stemmed (the Spanish edition: search pipeline with "stemmer"),
   each query is stemmed the same way, and its stop words ("de", "la") dropped, before
   Material's worker reads it: Material ends every word with a wildcard, and lunr runs
   no pipeline on a wildcard word, so "espalda*" would never meet the stem "espald",
   and "de*" would match every word that starts with "de". */
var real = new URLSearchParams(self.location.search).get("src") || "";
var SEARCH = 2; /* Material's message type of a query */
var language = null;

function stemmed(query) {
  var words = lunr[language], kept = [];
  query.split(/\s+/).forEach(function (word) {
    if (!/^[\p{L}\p{N}]+$/u.test(word)) return kept.push(word);
    var token = new lunr.Token(word.toLowerCase(), {});
    if (words.stopWordFilter(token) === undefined) return;
    kept.push(String(words.stemmer(words.trimmer(token))));
  });
  return kept.length ? kept.join(" ") : query;
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.sdmStemmed) return;
  if (event.data && event.data.type === SEARCH && language && self.lunr && lunr[language]) {
    event.stopImmediatePropagation();
    var data = { type: SEARCH, data: stemmed(String(event.data.data)), sdmStemmed: true };
    self.dispatchEvent(new MessageEvent("message", { data: data }));
  }
});

self.addEventListener("message", function boot(event) {
  self.removeEventListener("message", boot);
  if (!/^search\.[\w.]+\.js$/.test(real)) throw new Error("bad worker: " + real);
  importScripts(new URL(real, self.location.href).href);
  var config = (event.data && event.data.data && event.data.data.config) || {};
  if (config.lang && config.lang.length === 1 && (config.pipeline || []).indexOf("stemmer") >= 0) {
    language = config.lang[0] === "en" ? null : config.lang[0];
  }
  self.dispatchEvent(new MessageEvent("message", { data: event.data }));
});
