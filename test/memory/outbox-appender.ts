/**
 * A second process on one outbox file, for test/faults/outbox.test.ts: appends `count` entries as
 * fast as it can (argv: outbox path, count), then prints "done".
 */
import { FileOutbox } from "../../src/memory/outbox.js";

const [path, count] = process.argv.slice(2);
const outbox = new FileOutbox(path);
for (let i = 0; i < Number(count); i++) outbox.append([{ role: "user", content: `I own ${i} books.` }], { userId: "other", sourceId: `child-${i}` }, "scheduled");
process.stdout.write("done\n");
