// Tag picker: clicking a suggestion replaces the word being typed with the tag's name.
// Without JavaScript the field is an ordinary comma-separated input.
document.addEventListener("click", function (event) {
  var choice = event.target.closest("[data-tag-choice]");
  if (!choice) return;
  var input = document.getElementById(choice.getAttribute("data-for"));
  if (!input) return;
  event.preventDefault();
  var words = input.value.split(",");
  words[words.length - 1] = " " + choice.getAttribute("data-tag-choice");
  input.value = words.map(function (w) { return w.trim(); }).filter(Boolean).join(", ") + ", ";
  input.focus();
  input.dispatchEvent(new Event("input", { bubbles: true }));
});
