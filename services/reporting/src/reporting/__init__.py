"""The reporting service: read models kept from events, the KPIs of 003, the monthly report in 003's form."""
