import { describe, expect, it } from "vitest";
import { checkForm, FORMS } from "./forms";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};

describe("the dashboard's forms, checked with the API's schemas", () => {
  it("gives each refused field its own message, and the first one for the form", () => {
    const checked = checkForm(FORMS.createToken, form({ name: " ", role: "admin", expiresInDays: "soon" }));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.problems.fields).sort()).toEqual(["expiresInDays", "name", "role"]);
    expect(checked.problems.fields.name).toBe("Name the token (where it is used)");
    expect(checked.problems.fields.role).toContain("viewer, member, owner");
    expect(checked.problems.summary).toMatch(/^name: /);
  });

  it("turns the fields into the API's body: numbers as numbers, empty optional fields left out", () => {
    const checked = checkForm(
      FORMS.createToken,
      form({ name: "laptop", team: "", role: "viewer", expiresInDays: "30" }),
    );
    expect(checked).toEqual({ ok: true, body: { name: "laptop", role: "viewer", expiresInDays: 30 } });
  });

  it("refuses a role the API does not know, and applies the API's defaults to an invitation", () => {
    expect(checkForm(FORMS.changeRole, form({ role: "admin" })).ok).toBe(false);
    expect(checkForm(FORMS.invite, form({ role: "viewer" }))).toEqual({
      ok: true,
      body: { role: "viewer", expiresInDays: 7 },
    });
  });

  it("sends every build setting, so an emptied command goes back to the default", () => {
    expect(
      checkForm(FORMS.updateProject, form({ rootDir: "", installCommand: "", buildCommand: "next build" })),
    ).toEqual({ ok: true, body: { rootDir: "", installCommand: "", buildCommand: "next build" } });
  });
});
