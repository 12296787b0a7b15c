// A little help on top of pages that work without JavaScript.
// A double tap on "Send" must not look like a second submission (the server would store it once anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  setTimeout(function () { delete form.dataset.sent; }, 4000);
});
// Show a chosen option as chosen immediately on old browsers without :has().
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches(".option input")) return;
  var group = input.closest(".options");
  group.querySelectorAll(".option").forEach(function (label) {
    label.classList.toggle("is-checked", label.querySelector("input").checked);
  });
});
// The poster's "Print" button.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
// Read-aloud: a button beside each question and answer, shown only where it can speak: a recording
// (forms/audio, data-audio) or a voice of the browser for the text's language. Nothing else is shown.
(function () {
  var buttons = document.querySelectorAll("button.speak");
  if (!buttons.length) return;
  var synth = window.speechSynthesis;
  var playing = null;

  function languageOf(element) {
    var holder = element.closest("[lang]");
    return (holder ? holder.getAttribute("lang") : "").toLowerCase();
  }
  function hasVoice(lang) {
    if (!synth || !lang) return false;
    return synth.getVoices().some(function (voice) {
      return voice.lang.toLowerCase().split(/[-_]/)[0] === lang.split("-")[0];
    });
  }
  function spokenText(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true]").forEach(function (hidden) { hidden.remove(); });
    return copy.textContent.trim();
  }
  function offer() {
    buttons.forEach(function (button) {
      button.hidden = !(button.dataset.audio || hasVoice(languageOf(button)));
    });
  }
  offer();
  if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", offer);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.speak");
    if (!button) return;
    if (playing) { playing.pause(); playing = null; }
    if (synth) synth.cancel();
    if (button.dataset.audio) {
      playing = new Audio(button.dataset.audio);
      playing.play().catch(function () {});
      return;
    }
    var text = document.getElementById(button.dataset.speak);
    if (!text || !synth) return;
    var utterance = new SpeechSynthesisUtterance(spokenText(text));
    utterance.lang = languageOf(button);
    synth.speak(utterance);
  });
})();

// The larger-text switch on the online pages: kept for this browser tab only (a phone is the
// respondent's own); the kiosk keeps it for one respondent and never stores it.
(function () {
  var kiosk = document.querySelector(".kiosk-root");
  var button = document.querySelector("[data-action=larger-text]");
  if (kiosk || !button) return;
  var KEY = "survey-larger-text";
  function apply(large) {
    document.documentElement.classList.toggle("large-text", large);
    button.setAttribute("aria-pressed", large ? "true" : "false");
  }
  try { apply(sessionStorage.getItem(KEY) === "1"); } catch (error) { /* storage may be off */ }
  button.addEventListener("click", function () {
    var large = !document.documentElement.classList.contains("large-text");
    apply(large);
    try { sessionStorage.setItem(KEY, large ? "1" : "0"); } catch (error) { /* fine */ }
  });
})();
