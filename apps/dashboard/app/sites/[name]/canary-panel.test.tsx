import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CanaryPanel } from "./canary-panel";

const canary = {
  deploymentId: "dpl_next",
  percent: 10,
  startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  productionDeploymentId: "dpl_stable",
};

describe("the canary panel of a site's deployments", () => {
  it("says the share, the deployments and since when, with the two ways out", () => {
    const html = renderToStaticMarkup(<CanaryPanel project="shop" canary={canary} refusal={undefined} />);
    expect(html).toContain('<span class="badge canary">canary 10%</span>');
    expect(html).toContain('<a href="/deployments/dpl_next">dpl_next</a> since');
    expect(html).toContain("5 min ago");
    expect(html).toContain('the rest to <a href="/deployments/dpl_stable">dpl_stable</a>');
    expect(html).toMatch(/name="id" value="dpl_next"\/><button type="submit" class="primary">Complete canary/);
    expect(html).toContain(">Cancel canary</button>");
  });

  it("turns the buttons off for a viewer, saying why", () => {
    const html = renderToStaticMarkup(
      <CanaryPanel project="shop" canary={canary} refusal="Members and owners can do this" />,
    );
    expect(html.match(/disabled="" title="Members and owners can do this"/g)).toHaveLength(2);
  });
});
