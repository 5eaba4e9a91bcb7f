/*
 * graphml_count.c — reads a GraphML file with igraph and prints what igraph
 * found: "NODES EDGES DIRECTED" on one line (DIRECTED is 0 or 1), then the
 * names of the node and edge attributes it read, one "node NAME" or
 * "edge NAME" a line.  Used by tests/e2e/graph_export.sh to check that
 * weft's GraphML export is read back by a real GraphML consumer (igraph is
 * what R's and Python's igraph use) with the same counts weft reports.
 * An edge naming a node the file lacks makes igraph add that node: igraph
 * then counts more nodes than the file has node elements.
 *
 *   graphml_count FILE     exit 0, or 1 when igraph cannot read FILE
 *
 * Built by the test: cc graphml_count.c $(pkg-config --cflags --libs igraph)
 */
#include <igraph.h>
#include <stdio.h>

static void print_names(const char *what, const igraph_strvector_t *names)
{
	for (igraph_integer_t i = 0; i < igraph_strvector_size(names); i++)
		printf("%s %s\n", what, igraph_strvector_get(names, i));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: graphml_count FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	/* igraph aborts on errors unless told otherwise */
	igraph_set_error_handler(igraph_error_handler_printignore);
	igraph_set_warning_handler(igraph_warning_handler_print);
	/* attributes are kept (and so parsed and type-checked) only with an
	 * attribute handler */
	igraph_set_attribute_table(&igraph_cattribute_table);
	igraph_t g;
	igraph_error_t rc = igraph_read_graph_graphml(&g, f, 0);
	fclose(f);
	if (rc != IGRAPH_SUCCESS) {
		fprintf(stderr, "graphml_count: igraph cannot read %s: %s\n", argv[1], igraph_strerror(rc));
		return 1;
	}
	printf("%" IGRAPH_PRId " %" IGRAPH_PRId " %d\n", igraph_vcount(&g), igraph_ecount(&g),
	       igraph_is_directed(&g) ? 1 : 0);
	igraph_strvector_t gnames, vnames, enames;
	igraph_vector_int_t gtypes, vtypes, etypes;
	igraph_strvector_init(&gnames, 0);
	igraph_strvector_init(&vnames, 0);
	igraph_strvector_init(&enames, 0);
	igraph_vector_int_init(&gtypes, 0);
	igraph_vector_int_init(&vtypes, 0);
	igraph_vector_int_init(&etypes, 0);
	if (igraph_cattribute_list(&g, &gnames, &gtypes, &vnames, &vtypes, &enames, &etypes) == IGRAPH_SUCCESS) {
		print_names("node", &vnames);
		print_names("edge", &enames);
	}
	igraph_strvector_destroy(&gnames);
	igraph_strvector_destroy(&vnames);
	igraph_strvector_destroy(&enames);
	igraph_vector_int_destroy(&gtypes);
	igraph_vector_int_destroy(&vtypes);
	igraph_vector_int_destroy(&etypes);
	igraph_destroy(&g);
	return 0;
}
