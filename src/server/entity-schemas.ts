import { z } from "zod";
import { UserQuery } from "./schemas.js";

/** `GET /entities/:name`, `/entities/:name/memories`: the name (or id) of one of the user's entities. */
export const EntityParams = z.object({ name: z.string().trim().min(1).max(200) });

/** `GET /entities/map?format=json|dot|svg[&userId=U]`. */
export const MapQuery = UserQuery.extend({ format: z.enum(["json", "dot", "svg"]).default("json") }).strict();
