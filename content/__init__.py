"""The content shipped with the app: rubrics, agendas, UI texts, the demo (YAML data only).

Installed, this folder is the package ``workshop_content`` (see pyproject.toml), so
the app finds it with ``importlib.resources`` wherever it is installed.
"""
