"""Outputs: CSV and JSON tables, the Excel workbook and the charts.

Only this package imports matplotlib and openpyxl.
"""

from keyrisk.report.files import atomic_write, write_tables
from keyrisk.report.safety import safe_frame, safe_sheet_title, safe_text
from keyrisk.report.text import departure_dict, format_departure, headline
from keyrisk.report.writer import check_output_folder, write_report

__all__ = [
    "atomic_write",
    "check_output_folder",
    "departure_dict",
    "format_departure",
    "headline",
    "safe_frame",
    "safe_sheet_title",
    "safe_text",
    "write_report",
    "write_tables",
]
