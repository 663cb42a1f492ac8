// Entry point: theme first (no flash), links routed in the page, then the app.
import { render } from "preact";
import { App } from "./app.tsx";
import { applyTheme } from "./components/layout.tsx";
import { interceptLinks } from "./router.ts";
import "./styles.css";

applyTheme();
interceptLinks();
render(<App />, document.getElementById("app")!);
