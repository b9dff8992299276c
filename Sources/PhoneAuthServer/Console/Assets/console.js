// Asks before a destructive action (a button's data-confirm). Without JavaScript the forms post as they are.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = button && button.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
