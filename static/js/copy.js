// Copy buttons: <button data-copy-target="ID" data-copy-status="ID"> copies the value of
// the field #ID and says so in the status element (read by screen readers).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!field) return;
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch {
    // Without the Clipboard API (an http address, an old browser): select the text.
    field.select();
    copied = document.execCommand && document.execCommand("copy");
  }
  if (status) {
    status.textContent = copied
      ? "Dirección copiada."
      : "Seleccione la dirección y cópiela con Ctrl+C (⌘+C en Mac).";
  }
});
