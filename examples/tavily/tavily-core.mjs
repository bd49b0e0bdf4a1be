// Tavily's official client `@tavily/core`, in the form docs/integrations/tavily.md gives: it reads
// TAVILY_API_KEY by itself but has no env var for its base URL, so the client is created with the
// injected one. Run it as `vendo run --deployment <id> -- node examples/tavily/tavily-core.mjs`:
// a basic search, then an advanced one with an answer; one line each.
import { tavily } from "@tavily/core";

const tvly = tavily({ apiBaseURL: process.env.TAVILY_BASE_URL });
const { results } = await tvly.search("Who is Leo Messi?");
console.log(results.map((r) => r.url).join(" "));

const advanced = await tvly.search(process.argv.slice(2).join(" ") || "Who is Leo Messi?", { searchDepth: "advanced", includeAnswer: true, maxResults: 2 });
console.log(advanced.answer);
