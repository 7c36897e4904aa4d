import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { generateSchema, SCHEMA_FILE } from "./generate.ts";

test("the generated client types match the API's OpenAPI document (run `npm run generate -w packages/client`)", async () => {
  expect(await readFile(SCHEMA_FILE, "utf8")).toBe(await generateSchema());
});
