// The brief's "Print this page" button needs JavaScript, so it stays hidden until this runs;
// without it the page tells people to use their browser's print instead.
for (const button of document.querySelectorAll("[data-tandem-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
