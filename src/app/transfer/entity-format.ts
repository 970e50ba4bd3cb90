import { z } from "zod";
import { ENTITY_KINDS } from "../../memory/entities/types.js";

/** An entity as exports carry it on each memory: by name, so ids never travel between stores. */
export const ExportedEntity = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ENTITY_KINDS),
  role: z.string().trim().min(1).max(40).optional(),
  of: z.string().trim().min(1).max(200).optional(),
});

/** A relation of the memory map in an export: its ends by name ("user" for the user), its span in time. */
export const ExportedRelation = z.object({
  from: z.string().trim().min(1).max(200),
  type: z.string().trim().min(1).max(80),
  to: z.string().trim().min(1).max(200),
  validFrom: z.string().min(1),
  validTo: z.string().nullable().default(null),
});
