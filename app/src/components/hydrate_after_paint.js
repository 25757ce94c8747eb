// Fetches the WebAssembly and hydrates the page only once the browser reports the page's
// first contentful paint (every page reads, and every form posts, from its HTML alone): the
// code's download never competes with that paint. A hidden tab paints nothing, and a
// browser without paint timing reports nothing: there it starts at once; a backstop starts
// it if the report never comes.
((script, wasm) => {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    import(script).then((m) => m.default({ module_or_path: wasm }).then(() => m.hydrate()));
  };
  const paintTimed =
    "PerformanceObserver" in window &&
    (PerformanceObserver.supportedEntryTypes || []).includes("paint");
  if (document.visibilityState === "hidden" || !paintTimed) return start();
  new PerformanceObserver((list, observer) => {
    if (list.getEntriesByName("first-contentful-paint").length) {
      observer.disconnect();
      setTimeout(start, 0);
    }
  }).observe({ type: "paint", buffered: true });
  setTimeout(start, 3000);
})
