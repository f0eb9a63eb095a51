"""PDF reports with ReportLab. Reports are handed their figures and never query; the service
layer (services/reporting.py) gathers them. `content` holds the plain values handed over and
imports no ReportLab, so the services can build them without paying for the import."""
