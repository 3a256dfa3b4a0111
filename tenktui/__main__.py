from tenktui.cli import main

raise SystemExit(main())
