"""Front-end assets of tracekit (cytoscape style sheets, layouts, JavaScript), shipped as package data."""
