import { writeFileSync } from "node:fs";
import { entityTimeline, findEntity, listEntities, memoryMap } from "../memory/entities/map.js";
import { mapToDot, mapToSvg } from "../memory/entities/render.js";
import { memoryView } from "../server/memory-view.js";
import { stringValue, UsageError } from "./args.js";
import { entitiesText, entityText } from "./entity-text.js";
import { command, NotFoundError, type MemoriesCommand } from "./memories-commands.js";

const FORMATS = ["json", "dot", "svg"] as const;

/** `entities`, `entity <name>`, `map`: the memory map of one user (see README, "Entities and the memory map"). */
export const ENTITY_COMMANDS: Record<string, MemoriesCommand> = {
  entities: command("entities", {
    summary: "The user's entities (people, pets, places, ...), most mentioned first.",
    async run({ engine, userId }) {
      const entities = await listEntities(await engine(), userId);
      return { data: { userId, entities }, text: entitiesText(entities, userId) };
    },
  }),

  entity: command("entity", {
    usage: "<name>",
    summary: "One entity: its relations and its memories as a timeline.",
    async run({ engine, userId, args }) {
      const name = args.join(" ").trim();
      if (!name) throw new UsageError("entity needs a name: memories entity <name> --user ID");
      const opened = await engine();
      const found = await findEntity(opened, userId, name);
      if (!found)
        throw new NotFoundError(`No entity named "${name}" for user ${userId}: see memories entities --user ${userId}`);
      const timeline = await entityTimeline(opened, userId, found);
      return { data: { ...timeline, memories: timeline.memories.map(memoryView) }, text: entityText(timeline) };
    },
  }),

  map: command("map", {
    summary: "The memory map: entities and their relations, as JSON, Graphviz dot or SVG.",
    options: {
      format: { type: "string", value: "F", help: "json (default), dot or svg" },
      out: { type: "string", value: "FILE", help: "write the map to FILE instead of stdout" },
    },
    async run({ engine, userId, values }) {
      const format = stringValue(values, "format") ?? "json";
      if (!(FORMATS as readonly string[]).includes(format))
        throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
      const map = await memoryMap(await engine(), userId);
      const body = format === "dot" ? mapToDot(map) : format === "svg" ? mapToSvg(map) : JSON.stringify(map, null, 2);
      const out = stringValue(values, "out");
      if (!out) return { data: map, text: body };
      writeFileSync(out, body + "\n");
      return {
        data: { userId, file: out, nodes: map.nodes.length, edges: map.edges.length },
        text: `wrote the memory map of ${userId} (${map.nodes.length} entities, ${map.edges.length} relations) to ${out}`,
      };
    },
  }),
};
