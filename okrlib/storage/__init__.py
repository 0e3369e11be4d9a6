"""A plan as files: the YAML workbook (``yaml_file``), its tables as pandas, Excel and CSV
(``tables``), and the plan file that forms edit together (``planfile``).

Functions that take a :class:`okrlib.Workbook`; all writing is atomic.
"""
