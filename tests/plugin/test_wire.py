"""pulumi_meet.plugin.wire gives exactly what the SDK's PropertyValue functions give."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wire_agrees_with_the_sdk_in_a_fresh_interpreter() -> None:
    # See wire_cases' docstring: pulumi.provider cannot be imported beside google-apps-meet.
    done = subprocess.run(
        [sys.executable, "-m", "tests.plugin.wire_cases"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # Not imported here (see above): the cases, by name.
    assert done.stdout.split("passed: ")[1:] == [
        "test_unmarshal_and_marshal_agree_with_the_sdk\n",
        "test_plain_values_are_the_sdks_values\n",
        "test_values_are_stored_as_the_sdk_stores_them\n",
        "test_what_the_wire_rarely_carries_goes_through_the_sdk\n",
        "test_plain_maps_are_what_the_sdks_values_gave\n",
        "test_plain_maps_are_written_as_the_sdk_wrote_them\n",
        "test_marking_secret_keeps_what_is_secret\n",
    ]
