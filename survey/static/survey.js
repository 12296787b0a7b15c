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
