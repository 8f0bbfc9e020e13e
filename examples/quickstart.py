"""A first look at itero: Option and Result values."""

from itero import Err, Nothing, Ok, Some


def main() -> None:
    print(Some(1), Nothing(), Ok("ready"), Err("boom"))


if __name__ == "__main__":
    main()
