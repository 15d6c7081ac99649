import os, sys
def main():
    os.environ['DJANGO_SETTINGS_MODULE'] = "api.settings"
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
main()
