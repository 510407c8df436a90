/*
 * Proof of work for signup forms (ALTCHA format), self-hosted, no library.
 *
 * For every <form data-pow-challenge-url="...">: keeps its submit buttons
 * disabled, fetches a challenge, finds the number n for which
 * SHA-256(salt + n) is the challenge, writes base64(JSON {algorithm,
 * challenge, number, salt, signature}) into the hidden input named "altcha"
 * and enables the buttons. A new challenge is solved before the current one
 * expires, so a form left open stays usable. An element with the
 * data-pow-status attribute inside the form, if any, tells people what is
 * happening. The form gets data-pow-state="working" | "solved" | "failed" and
 * a "pow:solved" event carrying the payload (for scripts that send JSON).
 */
(function () {
  "use strict";

  const BATCH = 500;
  const REFRESH_MARGIN_MS = 30 * 1000;
  const RETRY_MS = [2000, 5000, 15000, 30000];
  const encoder = new TextEncoder();

  function hex(buffer) {
    const bytes = new Uint8Array(buffer);
    let out = "";
    for (let i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  // Hashes BATCH candidates at a time: crypto.subtle is asynchronous, and
  // waiting for each digest in turn would be several times slower.
  async function solve(challenge) {
    for (let start = 0; start <= challenge.maxnumber; start += BATCH) {
      const end = Math.min(start + BATCH - 1, challenge.maxnumber);
      const digests = [];
      for (let n = start; n <= end; n++) {
        digests.push(crypto.subtle.digest(challenge.algorithm, encoder.encode(challenge.salt + n)));
      }
      const results = await Promise.all(digests);
      for (let k = 0; k < results.length; k++) {
        if (hex(results[k]) === challenge.challenge) {
          return start + k;
        }
      }
    }
    return null;
  }

  function expiresAt(salt) {
    const query = salt.split("?")[1];
    const expires = query ? Number(new URLSearchParams(query).get("expires")) : 0;
    return expires > 0 ? expires * 1000 : 0;
  }

  function setUp(form) {
    const url = form.getAttribute("data-pow-challenge-url");
    const status = form.querySelector("[data-pow-status]");
    const buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
    let input = form.querySelector("input[name=altcha]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "altcha";
      form.appendChild(input);
    }

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    function setButtons(enabled) {
      for (let i = 0; i < buttons.length; i++) {
        buttons[i].disabled = !enabled;
      }
    }

    async function round(attempt) {
      if (!input.value) {
        form.setAttribute("data-pow-state", "working");
        say(form.getAttribute("data-pow-working-text") || "Preparing the form\u2026");
      }
      try {
        const response = await fetch(url, {
          credentials: "omit",
          cache: "no-store",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          throw new Error("challenge request answered " + response.status);
        }
        const challenge = await response.json();
        const number = await solve(challenge);
        if (number === null) {
          throw new Error("no solution found");
        }
        input.value = btoa(
          JSON.stringify({
            algorithm: challenge.algorithm,
            challenge: challenge.challenge,
            number: number,
            salt: challenge.salt,
            signature: challenge.signature,
          })
        );
        form.setAttribute("data-pow-state", "solved");
        say("");
        setButtons(true);
        form.dispatchEvent(new CustomEvent("pow:solved", { detail: { payload: input.value } }));
        const expires = expiresAt(challenge.salt);
        if (expires) {
          const wait = Math.max(expires - Date.now() - REFRESH_MARGIN_MS, 1000);
          window.setTimeout(function () {
            round(0);
          }, wait);
        }
      } catch (error) {
        // Keeps an answer still valid; otherwise the form waits for a retry.
        if (!input.value) {
          form.setAttribute("data-pow-state", "failed");
          say(form.getAttribute("data-pow-failed-text") || "The form could not be prepared; retrying\u2026");
        }
        const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
        window.setTimeout(function () {
          round(attempt + 1);
        }, delay);
      }
    }

    input.value = "";
    setButtons(false);
    if (!window.crypto || !window.crypto.subtle) {
      // Only over HTTPS (or on localhost) do browsers offer crypto.subtle.
      form.setAttribute("data-pow-state", "failed");
      say(form.getAttribute("data-pow-unsupported-text") || "This form needs a secure (https) connection.");
      return;
    }
    round(0);
  }

  function start() {
    const forms = document.querySelectorAll("form[data-pow-challenge-url]");
    for (let i = 0; i < forms.length; i++) {
      setUp(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
