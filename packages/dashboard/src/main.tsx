// The dashboard page: signs in (or picks up its session), then shows the tenant or operator views.
import { render } from "preact";
import { App } from "./App.js";

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}
