/*
 * Embeds the signup form of the subscriber service on another site.
 *
 *   <script src="https://SUBSCRIBE-HOST/static/pages/embed.js"
 *           data-language="fr" data-interests="monitor,news" async></script>
 *
 * Inserts an iframe with the form right after this script tag. Optional
 * attributes: data-language (en, fr, es), data-interests (preselected topics,
 * comma-separated), data-title (the iframe's accessible name), data-height
 * (starting height in pixels; the form then reports its own height). The site
 * must be listed in the service's SIGNUP_EMBED_ALLOWED_ORIGINS, or browsers
 * refuse to show the frame. Nothing else is loaded and no cookie is set.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var TITLES = {
    en: "Subscribe to our emails",
    fr: "Abonnez-vous à nos e-mails",
    es: "Suscríbase a nuestros correos"
  };
  var origin = new URL(script.src).origin;
  var language = (script.getAttribute("data-language") || "en").toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(TITLES, language)) {
    language = "en";
  }
  var url = new URL((language === "en" ? "" : "/" + language) + "/embed/signup/", origin);
  var interests = script.getAttribute("data-interests");
  if (interests) {
    url.searchParams.set("interests", interests);
  }

  var frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = script.getAttribute("data-title") || TITLES[language];
  frame.height = String(parseInt(script.getAttribute("data-height"), 10) || 720);
  frame.loading = "lazy";
  frame.referrerPolicy = "no-referrer";
  frame.style.width = "100%";
  frame.style.maxWidth = "40rem";
  frame.style.border = "0";
  frame.style.display = "block";
  script.parentNode.insertBefore(frame, script.nextSibling);

  // The form tells its height (embed-frame.js), so that no inner scroll bar appears.
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) {
      return;
    }
    var data = event.data;
    if (data && data.type === "subscriber-service:height" && data.height > 0 && data.height < 5000) {
      frame.height = String(Math.ceil(data.height));
    }
  });
})();
