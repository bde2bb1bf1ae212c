"""Record forms: the editor the shell embeds for problems, potentials and proposals."""

from smartcity_desktop.gui.forms.editor import RecordEditor

__all__ = ["RecordEditor"]
