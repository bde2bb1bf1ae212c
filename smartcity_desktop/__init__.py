"""SmartCity Desktop: village needs for a regency Smart City masterplan, gathered offline."""

__version__ = "0.1.0"
APP_NAME = "SmartCity Desktop"
