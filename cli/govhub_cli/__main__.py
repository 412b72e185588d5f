"""`python -m govhub_cli` runs the same program as the `govhub` console script."""

import sys

from govhub_cli.main import main

sys.exit(main())
