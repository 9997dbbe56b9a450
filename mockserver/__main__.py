"""`python -m mockserver` is the same as the `mockserver` command."""

from mockserver.cli import main

raise SystemExit(main())
