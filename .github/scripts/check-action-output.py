"""Checks what the archgen action produced: its SARIF log and its Markdown.

    check-action-output.py sarif FILE [RULE_ID URI START_LINE]...
    check-action-output.py markdown FILE ENVIRONMENT STACK_NAME

With no expected results, the SARIF log must have none.
"""
import json
import sys


def check_sarif(path, expected):
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    assert log["version"] == "2.1.0", log.get("version")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "archgen", driver["name"]
    rules = driver["rules"]
    assert rules and all(r["id"] and r["shortDescription"]["text"] for r in rules)
    found = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"], result
        physical = result["locations"][0]["physicalLocation"]
        found.append(
            (
                result["ruleId"],
                physical["artifactLocation"]["uri"],
                physical["region"]["startLine"],
            )
        )
    assert found == expected, f"results {found}, expected {expected}"
    print(f"{path}: SARIF 2.1.0, {len(rules)} rules, results {found}")


def check_markdown(path, environment, stack):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for needle in (
        f"### archgen diff: `{environment}`",
        f"#### `{stack}`",
        "| Action | Logical ID | Type | Replacement | Caused by | Risk |",
        "| Add | `Vpc` | `AWS::EC2::VPC` |",
    ):
        assert needle in text, f"{needle!r} missing in {path}:\n{text}"
    print(f"{path}: Markdown diff of {stack}")


if __name__ == "__main__":
    kind, path, *rest = sys.argv[1:]
    if kind == "sarif":
        triples = [rest[i : i + 3] for i in range(0, len(rest), 3)]
        check_sarif(path, [(r, u, int(l)) for r, u, l in triples])
    elif kind == "markdown":
        check_markdown(path, *rest)
    else:
        sys.exit(__doc__)
