import { ENV_TARGETS } from "@slipway/core/schemas";

/** The environments a variable applies to, all ticked by default. */
export function TargetChoices({ idPrefix }: { idPrefix: string }) {
  return (
    <fieldset style={{ border: 0, padding: 0, margin: "10px 0" }}>
      <legend style={{ fontWeight: 600 }}>Environments</legend>
      {ENV_TARGETS.map((target) => (
        <label key={target} className="inline" htmlFor={`${idPrefix}-${target}`}>
          <input id={`${idPrefix}-${target}`} type="checkbox" name="targets" value={target} defaultChecked />
          {target}
        </label>
      ))}
    </fieldset>
  );
}
