import sys

from accessshare.cli import main

sys.exit(main())
