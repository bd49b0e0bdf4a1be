import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { findKey } from "./findKey.js";
import { keyViewOf } from "./keyView.js";

export const getKey = defineRoute(endpoints.getKey, async ({ params, caller }, ctx) => keyViewOf(ctx, await findKey(ctx, caller, params.id)));
