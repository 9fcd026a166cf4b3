from .cli import main

if __name__ == "__main__":  # the action server imports every module of the package: do nothing then
    raise SystemExit(main())
