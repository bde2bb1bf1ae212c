"""Only here to install the top-level ``resources/`` folder as ``smartcity_desktop.resources``.

Everything else about the project is declared in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["smartcity_desktop", "smartcity_desktop.*"]),
        "smartcity_desktop.resources",
    ],
    package_dir={"smartcity_desktop.resources": "resources"},
)
