import sys

from tito_kit.cli import main

sys.exit(main())
