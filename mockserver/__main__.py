"""`python -m mockserver` is the same as the `mockserver` command."""

from mockserver.launch import main

raise SystemExit(main())
