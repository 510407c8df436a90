/*
 * Inside the embedded signup form: tells the page that frames it how tall the
 * form is (embed.js sizes the iframe with it). Only a number is sent.
 */
(function () {
  "use strict";

  if (window.parent === window) {
    return;
  }
  var last = 0;

  function report() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "subscriber-service:height", height: height }, "*");
    }
  }

  report();
  if (window.ResizeObserver) {
    new ResizeObserver(report).observe(document.body);
  } else {
    window.addEventListener("resize", report);
  }
})();
