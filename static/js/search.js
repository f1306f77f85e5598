// The results page's search form: htmx sends (and pushes into the address bar) only the fields that have a
// value, so a search's URL is "/jobs/?region=US-TX", not every empty field of the form.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || form.id !== "filters") return;
  const data = event.detail.formData;
  const kept = [...data.entries()].filter(([, value]) => value !== "");
  for (const name of new Set(data.keys())) data.delete(name);
  for (const [name, value] of kept) data.append(name, value);
});
