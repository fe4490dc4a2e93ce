// DOM helpers. Text goes in through textContent only: no innerHTML anywhere
// in the client, so that peer-supplied text can never become markup.

// el('div', { className, text, attrs: {...}, on: { click: fn } }, children)
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [event, handler] of Object.entries(options.on ?? {})) {
    node.addEventListener(event, handler);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

export function show(node, visible) {
  node.hidden = !visible;
}
