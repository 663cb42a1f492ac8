// Placeholder UI in plain DOM until the Preact app lands: proves the build, the hashed assets and the
// API round trip (list projects with a token kept in localStorage).
import "./styles.css";

interface Project {
  slug: string;
  name?: string;
}

const TOKEN_KEY = "flakeguard.token";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function loadProjects(list: HTMLElement, status: HTMLElement): Promise<void> {
  list.replaceChildren();
  const token = localStorage.getItem(TOKEN_KEY) ?? "";
  const response = await fetch("/api/v1/projects", { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    status.textContent = response.status === 401 ? "Enter an admin token to see projects." : `Error ${response.status}`;
    return;
  }
  const body = (await response.json()) as { projects?: Project[] };
  const projects = body.projects ?? [];
  status.textContent = projects.length ? "" : "No projects yet.";
  for (const project of projects) list.append(el("li", project.name ? `${project.name} (${project.slug})` : project.slug));
}

function render(root: HTMLElement): void {
  const status = el("p");
  const list = el("ul");
  const form = el("form");
  const input = el("input");
  input.type = "password";
  input.placeholder = "fga_… admin token";
  input.value = localStorage.getItem(TOKEN_KEY) ?? "";
  form.append(input, el("button", "Use token"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(TOKEN_KEY, input.value.trim());
    void loadProjects(list, status);
  });
  root.append(el("h1", "FlakeGuard"), form, el("h2", "Projects"), status, list);
  void loadProjects(list, status).catch((error: unknown) => (status.textContent = String(error)));
}

const root = document.getElementById("app");
if (root) render(root);
