// Builds DOM nodes from data without ever parsing HTML: text always goes in as text nodes.

/**
 * h("button", { type: "button", class: "x", onclick: fn }, "Label", child, ...)
 * Attributes starting with "on" become listeners; false/null/undefined attributes are left out; true is "".
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name in node && typeof value !== "string") {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

/** Appends strings (as text), nodes and nested arrays; skips null/undefined/false. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

let counter = 0;

/** A page-unique id for label/aria-describedby pairs. */
export function uniqueId(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
