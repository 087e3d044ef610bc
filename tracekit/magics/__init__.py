"""magics stage."""
