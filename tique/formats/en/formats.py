DATETIME_FORMAT = "j M Y, H:i"
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# When a ticket received outside business hours will be attended (tique.sla.formatting):
# "Monday 2 December at 09:00".
ATTEND_AT_FORMAT = r"l j F \a\t H:i"
