"""axe-core (the `axe-selenium-python` package from PyPI) on the page a Selenium browser shows.
A page passes when axe finds no violation of serious or critical impact; the failure names each
rule, its impact and the elements, so it can be fixed without rerunning by hand."""

BLOCKING = ("serious", "critical")


def axe_violations(driver):
    """The serious and critical violations axe finds on the current page."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run(options='{"resultTypes": ["violations"]}')
    return [v for v in results["violations"] if v.get("impact") in BLOCKING]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(driver, what=None):
    violations = axe_violations(driver)
    assert not violations, f"axe on {what or driver.current_url}:\n{describe(violations)}"
